import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';

@Controller()
export class MathController {
  @MessagePattern({ cmd: 'sum' })
  sum(numbers: number[]): number {
    return numbers.reduce((total, n) => total + n, 0);
  }
}
